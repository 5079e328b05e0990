from nomock_lint.entry import main

main()
