#!/usr/bin/env python3
"""marquee-eval-recs on a small synthetic data set of its own (so the tool cannot rot): two
groups of users with different tastes, whose later favourites follow their earlier ones. The
tool must print its validation choices and one line per model in the documented form, with
intervals, and the models that can see the groups must beat the most-popular baseline, which
cannot."""
import os
import random
import re
import subprocess
import sys
import tempfile

NUM = r"([-+]?[0-9.]+|nan)"
LINE = re.compile(rf"^model=(\S+) precision@10={NUM} recall@10={NUM} ndcg@10={NUM} "
                  rf"p/popular={NUM}\[{NUM},{NUM}\] ndcg/popular={NUM}\[{NUM},{NUM}\] "
                  rf"p-best={NUM}\[{NUM},{NUM}\] seconds={NUM}$")


def write_data(folder):
    rng = random.Random(7)
    genres = ["Comedy", "Drama", "Horror", "Romance"]
    with open(os.path.join(folder, "movies.csv"), "w") as f:
        f.write("movieId,title,genres\n")
        for m in range(1, 121):
            f.write(f'{m},"Movie {m}, the sequel ({1990 + m % 30})",{genres[m % 4]}|{genres[(m // 4) % 4]}\n')
    with open(os.path.join(folder, "ratings.csv"), "w") as f:
        f.write("userId,movieId,rating,timestamp\n")
        for u in range(1, 201):
            # group A likes movies 1-60, group B 61-120; a few blockbusters everyone watches
            own = range(1, 61) if u % 2 else range(61, 121)
            picks = rng.sample(list(own), 18) + rng.sample(range(1, 121), 4)
            for t, m in enumerate(picks):
                liked = (m in own) or rng.random() < 0.2
                rating = rng.choice([4.0, 4.5, 5.0]) if liked else rng.choice([1.0, 2.0, 2.5])
                f.write(f"{u},{m},{rating},{1500000000 + u * 1000 + t}\n")


def main():
    tool = sys.argv[1]
    with tempfile.TemporaryDirectory() as folder:
        write_data(folder)
        r = subprocess.run([tool, "--boot", "200", folder], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    models = {}
    assert lines[0].startswith("validation: ") and lines[1].startswith("validation: ") and lines[2].startswith("test: "), lines
    for line in lines[3:]:
        m = LINE.match(line)
        assert m, f"not in the documented form: {line!r}"
        models[m.group(1)] = [float(x) for x in m.groups()[1:]]
    assert list(models) == ["popular", "popular-liked", "item-knn", "als", "ease", "site-before", "served"], models
    for name in ("item-knn", "ease", "served"):
        for metric, i in (("precision@10", 0), ("ndcg@10", 2)):
            assert models[name][i] > models["popular"][i], (name, metric, models)
    r = subprocess.run([tool, "/nonexistent"], capture_output=True, text=True)
    assert r.returncode == 2 and "cannot read" in r.stderr, r
    print("eval-recs: " + "; ".join(lines))


if __name__ == "__main__":
    main()
