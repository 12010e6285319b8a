"""muskgraph: a knowledge graph of Elon Musk's corporate empire."""

__version__ = "0.1.0"
