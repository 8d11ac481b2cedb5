#pragma once

namespace Confab {

// Passwords given on the command line (--password, --url redis://user:PASSWORD@...,
// ...?password=...) blanked in the process's own argument strings, which is what `ps` and
// /proc/PID/cmdline show. Called once the arguments have been parsed (Qt keeps its own copy).
// Where the platform shows the arguments from elsewhere, this does nothing harmful.
class CommandLineSecrets
{
public:
    static void scrub(int argc, char *argv[]);
    // One URL in place: the password of its user information and "password=" values.
    static void scrubUrl(char *url);
};

} // namespace Confab
