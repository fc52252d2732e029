from advisor_core.cli import main

raise SystemExit(main())
