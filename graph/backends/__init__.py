"""The connections: one contract (``connection.Connection``) met by FalkorDB (embedded or remote,
``falkordb``, ``embedded``) and Neo4j 5 (``neo4j``); ``url`` picks one from SOCIALEKAART_GRAPH_URL."""
