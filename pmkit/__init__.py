"""pmkit: learn from many blameless postmortems at once.

>>> import pmkit
>>> sorted(pmkit.__all__)[:3]
['ParseError', 'PmkitError', 'Postmortems']
"""

from pmkit.collection import Postmortems, read_parquet
from pmkit.errors import ParseError, PmkitError, SchemaError, UsageError
from pmkit.loading import load

__version__ = "0.1.0"

__all__ = [
    "ParseError",
    "PmkitError",
    "Postmortems",
    "SchemaError",
    "UsageError",
    "__version__",
    "load",
    "read_parquet",
]
