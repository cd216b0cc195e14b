from calmdesk.cli import main

# The guard matters: analysis worker processes start with "spawn", which imports this module.
if __name__ == "__main__":
    main()
