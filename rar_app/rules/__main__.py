"""``python -m rar_app.rules COMMAND [--date YYYY-MM-DD] [--lang en|fr] < request.json``"""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
