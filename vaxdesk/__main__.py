from vaxdesk.cli import main

main()
