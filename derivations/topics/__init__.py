"""One module per topic of the notes; each reads like the part it audits."""
