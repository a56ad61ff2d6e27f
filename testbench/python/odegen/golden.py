"""The Java golden model (ARITHMETIC.md), called straight from Python."""

import jarray
from java.util import Arrays, SplittableRandom
from org.odegen.fixed import QFormat
from org.odegen.model import BlockConfig, BlockParams, FixedMap, NormMode, OdeBlock, OdeSolver

import odegen_regs


class Block(object):
    """The golden ODEBlock of the block under test, described by its CONFIG and WIDTH registers
    (INTERFACE.md), so that a test bench needs nothing but the block itself."""

    def __init__(self, config_word, width_word):
        config = lambda f: odegen_regs.get(config_word, 'CONFIG', f)
        self.lanes = config('lanes')
        size = config('height')
        norm = NormMode.BATCH_STATS if config('norm') else NormMode.FOLDED
        self.format = QFormat(odegen_regs.get(width_word, 'WIDTH', 'width'), config('frac'))
        self.config = BlockConfig('dut', config('channels'), size, size, self.format, norm, bool(config('time')))
        # WIDTH's solver: the one on chip (0 euler, 1 heun, 2 rk4), which the golden model must run too
        self.solver = OdeSolver.values()[odegen_regs.get(width_word, 'WIDTH', 'solver')]

    @property
    def param_words(self):
        return self.config.paramWords()

    @property
    def feature_words(self):
        return self.config.featureWords()

    def quantize(self, x):
        return self.format.quantize(x)

    def random_params(self, rng, extreme=False, zero_variance_channel=False):
        """Seeded weights and norm parameters (BlockParams.random); `extreme` ones saturate."""
        q = self.format
        p = BlockParams.random(self.config, rng, q.max(), q.max()) if extreme else BlockParams.random(self.config, rng)
        if zero_variance_channel:
            Arrays.fill(p.conv1(), 0, self.config.cin() * 9, 0)
        return p

    def random_features(self, rng, scale):
        return list(BlockParams.uniform(rng, self.feature_words, self.format, scale))

    def run(self, params, z0, steps, h, t0):
        """z_M of the golden model, as a list of signed words."""
        c = self.config
        z = FixedMap(c.channels(), c.height(), c.width(), jarray.array(z0, 'i'))
        return list(OdeBlock(c, params, self.solver).run(z, steps, h, t0).data())

    def where(self, index):
        """(channel, y, x) of word `index` of a feature map."""
        n = self.config.height() * self.config.width()
        return index // n, (index % n) // self.config.width(), index % self.config.width()


def rng(seed):
    return SplittableRandom(seed)
