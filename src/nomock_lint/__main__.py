from nomock_lint.cli import main

main()
