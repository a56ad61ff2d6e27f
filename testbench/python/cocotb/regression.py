"""Loads a test module, runs its @cocotb.test()s in order on one Verilated block, reports each."""

import imp
import logging
import os
import sys
import time
import traceback

import cocotb
from cocotb.handle import Dut
from cocotb.result import SimTimeoutError
from cocotb.scheduler import Scheduler
from cocotb.triggers import to_ps


class _SimTimeFilter(logging.Filter):
    def filter(self, record):
        s = cocotb.scheduler
        record.sim_time = '%.2fns' % (s.now / 1000.0) if s is not None else '-'
        return True


def _setup_logging(stream):
    root = logging.getLogger('cocotb')
    if not root.handlers:
        h = logging.StreamHandler(stream)
        h.addFilter(_SimTimeFilter())
        h.setFormatter(logging.Formatter('%(sim_time)14s %(levelname)-7s %(name)-28s %(message)s'))
        root.addHandler(h)
        root.setLevel(logging.INFO)
        root.propagate = False


def _failure_message(exc_info):
    etype, value, tb = exc_info
    frames = [f for f in traceback.extract_tb(tb) if '/cocotb/' not in f[0].replace('\\', '/')]
    where = ' (%s:%d)' % (os.path.basename(frames[-1][0]), frames[-1][1]) if frames else ''
    text = str(value) or etype.__name__
    return '%s: %s%s' % (etype.__name__, text, where)


def run_module(path, sim, seed, results, plusargs, make_result, stream=None):
    """Runs every test of the module at `path`; appends make_result(...) to `results` for each."""
    _setup_logging(stream or sys.stdout)
    cocotb.RANDOM_SEED = seed
    cocotb.plusargs = dict(plusargs)
    name = os.path.splitext(os.path.basename(path))[0]
    del cocotb._registry[:]
    sys.modules.pop(name, None)
    imp.load_source(name, path)
    tests = [t for t in cocotb._registry if t._module == name]
    if not tests:
        raise ValueError('%s has no @cocotb.test() functions' % path)
    scheduler = Scheduler(sim)
    cocotb.scheduler = scheduler
    dut = Dut(sim, scheduler)
    log = logging.getLogger('cocotb.regression')
    try:
        for t in tests:
            spec = t._test
            if spec.skip:
                log.info('%s skipped (skip=True)', t._name)
                continue
            timeout = to_ps(spec.timeout_time, spec.timeout_unit) if spec.timeout_time is not None else None
            log.info('running %s', t._name)
            t0_wall = time.time()
            t0_sim, t0_rises, t0_evals = scheduler.now, scheduler.clock_rises, sim.evaluations()
            try:
                outcome, exc_info = scheduler.run_test(t(dut), timeout)
            except SimTimeoutError:
                outcome, exc_info = 'fail', sys.exc_info()
            scheduler.reset()
            wall = time.time() - t0_wall
            failed = outcome == 'fail'
            message = _failure_message(exc_info) if failed else ''
            expected_failure = spec.expect_fail or spec.expect_error
            passed = failed == expected_failure
            if failed and expected_failure:
                message = 'failed as expected: ' + message
            elif not failed and expected_failure:
                message = 'passed, but expect_fail was set'
            cycles = scheduler.clock_rises - t0_rises
            log.log(logging.INFO if passed else logging.ERROR, '%s %s%s (%d cycles in %.2f s)', t._name,
                    'PASS' if passed else 'FAIL', (': ' + message) if message else '', cycles, wall)
            results.add(make_result(t._name, passed, message, scheduler.now - t0_sim, cycles, wall,
                                    sim.evaluations() - t0_evals))
    finally:
        cocotb.scheduler = None
