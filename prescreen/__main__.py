import sys

from prescreen.cli import main

sys.exit(main())
