"""``python -m pmkit.synth -n 150 -o data/sample --seed 0``: see :func:`pmkit.synth.main`."""

from pmkit.synth import main

raise SystemExit(main())
