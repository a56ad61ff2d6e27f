"""`python src/main/python/train.py --help`: odegen_torch.train from a checkout, no install needed."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from odegen_torch.train import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
