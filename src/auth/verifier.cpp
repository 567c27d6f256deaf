// Verifier forwards to the key set; kept separate so other modules see a tiny interface.
#include "auth/verifier.hpp"

#include "auth/signing_keys.hpp"

namespace basalt::auth {

Result<Json> Verifier::verify(std::string_view token) const { return keys_->verify(token); }

}  // namespace basalt::auth
