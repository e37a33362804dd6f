from sqlmodel_cascade_lint.cli import main

if __name__ == "__main__":
    main()
