"""Where queries are answered and RDF is read and written.

`terms` (engine-neutral terms) and `answer` at the bottom; `files` and `serialize` for RDF
files; one engine a module: `oxigraph_engine` (on disk or in memory) and `rdflib_engine`
(rdflib's memory store), with `rdflib_bridge` handing Oxigraph's data to rdflib. Only
pyoxigraph is imported at start-up: rdflib comes in when an rdflib engine or bridge is used.
"""
