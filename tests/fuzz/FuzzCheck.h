#pragma once

#include <QByteArray>
#include <QString>

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>

// A property that must hold for every input. A failure is a finding like a crash: libFuzzer
// keeps the input that caused it (abort() is what it watches for).
#define FUZZ_CHECK(condition, detail)                                                              \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "%s:%d: check failed: %s (%s)\n", __FILE__, __LINE__, #condition, \
                         qPrintable(QString(detail)));                                             \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)

// Up to `maxBytes` of the input as text (invalid UTF-8 replaced, as any reader of ours does).
inline QString consumeText(FuzzedDataProvider &input, size_t maxBytes)
{
    const std::string bytes = input.ConsumeRandomLengthString(maxBytes);
    return QString::fromUtf8(bytes.data(), qsizetype(bytes.size()));
}
