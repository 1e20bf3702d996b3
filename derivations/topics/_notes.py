"""The five notes, named once: every topic module cites them by these constants.

A source names the note's file as it lies in ``../shared/notes/`` (DESIGN.md: "note
file name + equation label as printed").
"""

N000 = "000_40ddc33b2ed9f207.txt"  # localized receptive fields: ReLU neuron, GDLN with tiling gates
N001 = "001_d82c553c3bda8740.txt"  # NLGP data, single neurons, GDLN flows, small-bump gate
N002 = "002_95a390d02dc83cc1.txt"  # two-gate GDLN with the small-bump gate
N003 = "003_c2e974961b11df53.txt"  # the hypercube limit, f(w) and its properties
N004 = "004_f0c29d586dfb37c9.txt"  # sigmoid networks: initial loss, bias flow, discrimination

NOTES = (N000, N001, N002, N003, N004)
