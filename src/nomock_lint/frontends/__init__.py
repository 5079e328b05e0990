"""Front-ends: each turns one file's bytes into language-neutral `Facts`."""
