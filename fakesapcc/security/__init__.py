"""Who is calling and what they may do: the authorization server (tokens), the caller of one
request (``Caller``), and the acting-as policy (``policy``). No Flask here."""
