-- wrk script: POST the gateway dashboard's GraphQL query to the tourism service.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"query":"{ attractions(first: 100) { id name type status zone } }"}'
