import sys

from bot.prescreen.cli import main

sys.exit(main())
