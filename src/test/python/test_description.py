"""Python-level checks of the described model's shapes (MODEL.md, ARITHMETIC.md): option B and
option A at stride 2 on odd sizes give ceil(H/2) x ceil(W/2), A pads (Cout - Cin) // 2 zero
channels in front. DescriptionTorchTest runs the same network through `selftest`; this file is
for a quick look without Maven:

    PYTHONPATH=src/main/python ~/.cache/odegen/venv/bin/python -m unittest src/test/python/test_description.py
"""
import unittest

import torch

from odegen_torch import description, zoo


def ceil_half(n):
    return (n + 1) // 2


class OddSizes(unittest.TestCase):
    DESC = {"input": [1, 7, 7], "classes": 3, "norm": "folded", "layers": [
        {"kind": "stem", "out": 4, "conv": "conv1", "bn": "bn1"},
        {"kind": "res", "name": "b", "out": 6, "stride": 2, "shortcut": "B"},
        {"kind": "res", "name": "a", "out": 8, "stride": 2, "shortcut": "A"},
        {"kind": "fc", "name": "fc"}]}

    def test_forward_shapes(self):
        model = description.build(self.DESC).eval()
        with torch.no_grad():
            outs = model.layer_outputs(torch.randn(2, 1, 7, 7))
        h1, h2 = ceil_half(7), ceil_half(ceil_half(7))
        self.assertEqual([list(o.shape) for o in outs], [[2, 4, 7, 7], [2, 6, h1, h1], [2, 8, h2, h2], [2, 3]])

    def test_option_b_tensors(self):
        state = description.build(self.DESC).state_dict()
        self.assertEqual(list(state["b.shortcut.0.weight"].shape), [6, 4, 1, 1])
        self.assertIn("b.shortcut.1.running_var", state)
        self.assertFalse(any(k.startswith("a.shortcut") for k in state))

    def test_option_a_pads_zero_channels_in_front(self):
        x = torch.randn(1, 6, 4, 4)
        y = zoo.shortcut_a(x, 9, 2)  # (9 - 6) // 2 = 1 in front, 2 behind
        self.assertEqual(list(y.shape), [1, 9, 2, 2])
        self.assertTrue(torch.equal(y[:, 1:7], x[:, :, ::2, ::2]))
        self.assertEqual(float(y[:, 0].abs().sum() + y[:, 7:].abs().sum()), 0.0)


if __name__ == "__main__":
    unittest.main()
