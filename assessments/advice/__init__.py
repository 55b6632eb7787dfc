"""Advice a region can act on (issue 14), each part a pure, typed function of plain data:

- `weakness`: which dimensions are weak *for this region* (relative to its own profile);
- `readiness`: which of the eight scene types of 六(三) it is ready for, from the version's
  prerequisites (indicator ≥ level, each citing its guide section);
- `moves`: the one-level moves that raise the overall score most, and the fewest that reach the
  next tier (exact: re-scored with `assessments.scoring.score_answers`);
- `stability`: how robust the tiers are to the weights (NumPy Monte Carlo, cached per state);
- `document`: the JSON of `manage.py advise` (issue 14's Interface section).

`assessments.recommendations.derive_recommendations` puts them together.
"""
