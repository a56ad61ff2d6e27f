"""ODEGen's PyTorch side: the network zoo (every variant of PAPER.md Table 4 at N = 20..56),
training (train.py), export to the safetensors file that `odegen` reads, and the accuracy ladder.

Run with src/main/python on the path: `python -m odegen_torch.train --help`.
"""
