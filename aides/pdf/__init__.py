"""Documents printed by rased: PDF rendering, CSV exports, charts."""
