-- wrk script: POST the gateway's GraphQL query, as a GraphQL client sends it.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"query":"{ attractions { id name status } }"}'
