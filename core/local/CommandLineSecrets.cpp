#include "CommandLineSecrets.h"

#include <algorithm>
#include <cstring>

namespace Confab {

void CommandLineSecrets::scrubUrl(char *url)
{
    if (char *scheme = std::strstr(url, "://")) {
        // As RedisOptions reads it: the user information ends at the last '@' of the authority.
        char *authorityEnd = scheme + 3 + std::strcspn(scheme + 3, "/?#");
        char *at = nullptr;
        for (char *p = scheme + 3; p < authorityEnd; ++p) {
            if (*p == '@')
                at = p;
        }
        char *colon = std::strchr(scheme + 3, ':');
        if (at && colon && colon < at)
            std::fill(colon + 1, at, '*');
    }
    for (char *p = std::strstr(url, "password="); p; p = std::strstr(p + 1, "password=")) {
        char *value = p + 9;
        char *end = value + std::strcspn(value, "&#");
        std::fill(value, end, '*');
    }
}

void CommandLineSecrets::scrub(int argc, char *argv[])
{
    const auto blank = [](char *from) {
        for (char *c = from; *c; ++c)
            *c = '*';
    };
    for (int i = 1; i < argc; ++i) {
        const char *arg = argv[i];
        if (std::strcmp(arg, "--password") == 0 && i + 1 < argc)
            blank(argv[++i]);
        else if (std::strncmp(arg, "--password=", 11) == 0)
            blank(argv[i] + 11);
        else if (std::strcmp(arg, "--url") == 0 && i + 1 < argc)
            scrubUrl(argv[++i]);
        else if (std::strncmp(arg, "--url=", 6) == 0)
            scrubUrl(argv[i] + 6);
    }
}

} // namespace Confab
