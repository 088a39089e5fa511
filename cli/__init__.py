"""The command-line front end: above core/, jobs/ and console/, dispatching to each."""
