-- wrk: POST /auth/v1/token?grant_type=password for one user (the server verifies bcrypt each time).
wrk.method = "POST"
wrk.path = "/auth/v1/token?grant_type=password"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["apikey"] = os.getenv("ANON_KEY")
wrk.body = '{"email":"bench@example.com","password":"password1","gotrue_meta_security":{}}'
