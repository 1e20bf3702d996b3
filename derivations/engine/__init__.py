"""How an audit runs: from declared claims to the result document; never imports the topic modules."""
