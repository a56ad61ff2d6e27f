"""`python src/main/python/ladder.py --help`: odegen_torch.ladder from a checkout, no install needed."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from odegen_torch.ladder import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
