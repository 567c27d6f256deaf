// Migration options (config section "migrations").
#pragma once

#include <string>

#include "common/settings_field.hpp"

namespace basalt::migrate {

struct Settings {
    std::string dir = "migrations";
    bool auto_apply = true;

    template <typename V>
    static void visit(Settings& s, V&& v) {
        v("dir", s.dir, {.help = "folder of user migrations (<version>_<name>.up.sql / .down.sql)"});
        v("auto_apply", s.auto_apply, {.help = "serve applies pending user migrations on start"});
    }
};

}  // namespace basalt::migrate
