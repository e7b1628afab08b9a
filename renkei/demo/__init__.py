"""Demo data that spans apps (the demo accounts, which represent demo places). It sits above every
domain app, so no domain app depends on another through the demo. Each app's own demo data is
loaded by its `demo.py`; the `renkei demo` command (web) runs them all."""
