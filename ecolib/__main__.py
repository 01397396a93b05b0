import sys
from ecolib.cli import main

sys.exit(main())
