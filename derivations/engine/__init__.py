"""How an audit runs (the engine); never imports the topic modules."""
