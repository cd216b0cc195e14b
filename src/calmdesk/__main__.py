from calmdesk.cli import main

main()
