from graph.cli import main

main(prog_name="muskgraph")
