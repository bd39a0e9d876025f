"""The shape of a benchmark figure, shared by every bench_*.py module."""
from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple


@dataclass
class Result:
    bench: str                      # e.g. "boot to dom0 init"
    metric: str                     # e.g. "wall s", "guest instructions"
    values: Dict[str, Optional[float]]   # subject -> figure; None: could not measure
    ratio: Optional[Tuple[str, str]] = ("lintel", "xen")  # (candidate, baseline)
    lower_is_better: bool = True
    notes: Dict[str, str] = field(default_factory=dict)   # subject -> why no figure

    def ratio_value(self):
        if not self.ratio:
            return None
        cand, base = (self.values.get(s) for s in self.ratio)
        if cand is None or not base:
            return None
        return cand / base
