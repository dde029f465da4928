"""Benchmark: Monte Carlo uncertainty (services/calculation/uncertainty.py), 10,000 iterations.

    .venv/bin/python bench/uncertainty.py [--iterations 10000] [--activities 1000] [--repeat 5]

The issue's case: a sum of 1,000 activities whose amount and factor are each lognormal with
GSD 1.2 (GSD² 1.44), excluding database reads. Measured in the same run:
- the vectorised analysis (`uncertainty.run`), each activity with a factor of its own, and with
  the factors shared by 20 activities each (correlated draws, the general path);
- the baseline: a plain Python loop of the same calculation (random.lognormvariate), timed on
  fewer iterations and scaled to the same count;
- peak memory of the analysis (tracemalloc), against the chunk bound;
- the seed study end to end (reads + calculation + analysis), uncached and cached.
Brightway is not installed here: its figure (about 510 iterations/s, issue 17) is quoted only.
"""

import argparse
import math
import random
import tracemalloc

from _django import median_time, setup


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=10_000)
    parser.add_argument("--activities", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--loop-iterations", type=int, default=300)
    args = parser.parse_args()
    setup("bench-uncertainty.sqlite3")

    from footprint.services.calculation import uncertainty as U

    n, iterations = args.activities, args.iterations
    gsd2 = 1.2 ** 2
    det = [1.0 + (i % 7) for i in range(n)]

    def study(shared_by: int) -> U.UncertaintyInput:
        acts = tuple(U.UncertainActivity("P", "production", f"a{i}", det[i], U.lognormal(gsd2),
                                         f"F{i // shared_by}") for i in range(n))
        factors = {a.factor_key: U.lognormal(gsd2) for a in acts}
        total = math.fsum(det)
        return U.UncertaintyInput((U.UncertainProduct("P", "p", total, ("production",), (total,)),),
                                  acts, factors)

    own, shared = study(1), study(20)
    U.run(own, iterations=100, seed=1)  # numpy's first call
    own_t = median_time(lambda: U.run(own, iterations=iterations, seed=1), args.repeat)
    shared_t = median_time(lambda: U.run(shared, iterations=iterations, seed=1), args.repeat)

    sigma = math.log(gsd2) / 2
    rng = random.Random(1)

    def python_loop(count):
        totals = []
        for _ in range(count):
            totals.append(math.fsum(d * rng.lognormvariate(0.0, sigma) * rng.lognormvariate(0.0, sigma)
                                    for d in det))
        return totals

    loop_t = median_time(lambda: python_loop(args.loop_iterations), 3) * iterations / args.loop_iterations

    tracemalloc.start()
    U.run(own, iterations=iterations, seed=1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    chunk_bytes = U.MAX_CHUNK_CELLS * 8

    from django.core.cache import cache

    from footprint.models import Study
    from footprint.services.calculation.study import calculate_study
    from footprint.services.demo.seed import load_demo
    from footprint.services.results import study_calculation_input
    from footprint.services.study_uncertainty import study_uncertainty

    load_demo()
    seed = Study.objects.get(report_number="202508175GHG")

    def seed_study():
        study_input = study_calculation_input(seed)
        return study_uncertainty(seed, study_input=study_input, result=calculate_study(study_input),
                                 iterations=iterations)

    def uncached():
        cache.clear()
        seed_study()

    seed_t = median_time(uncached, args.repeat)
    seed_study()
    cached_t = median_time(seed_study, args.repeat)

    print(f"{n} activities, amount and factor lognormal GSD 1.2, {iterations:,} iterations")
    print(f"plain Python loop (baseline):     {loop_t:8.2f} s   {iterations / loop_t:9,.0f} it/s   1.0x")
    print(f"numpy, a factor per activity:     {own_t:8.3f} s   {iterations / own_t:9,.0f} it/s "
          f"{loop_t / own_t:6.1f}x the loop")
    print(f"numpy, factors shared by 20 rows: {shared_t:8.3f} s   {iterations / shared_t:9,.0f} it/s "
          f"{loop_t / shared_t:6.1f}x the loop")
    print(f"Brightway 3.1 (issue 17, quoted):    19.5 s         510 it/s   "
          f"(numpy {19.5 / own_t:.0f}x / {19.5 / shared_t:.0f}x faster, by the quoted figure)")
    print(f"peak memory of one run:           {peak / 2**20:8.1f} MiB (chunk bound {chunk_bytes / 2**20:.0f} MiB a matrix)")
    print(f"seed study end to end, uncached:  {seed_t * 1000:8.1f} ms; cached: {cached_t * 1000:.1f} ms")
    print("target (<= 0.5 s for 1,000 activities):", "met" if max(own_t, shared_t) <= 0.5 else "NOT met")


if __name__ == "__main__":
    main()
