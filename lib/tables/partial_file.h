#pragma once
// The file a writer fills: PATH.partial-XXXXXX beside PATH until commit() renames it to PATH.
// Until then PATH is untouched; without commit() the partial file is removed.
#include <cstddef>
#include <string>
#include <string_view>

namespace lkp::tables {

class PartialFile {
  public:
    // Creates a new partial file (never an existing one) with the permissions a new file gets.
    // Throws std::runtime_error "PATH: cannot create ...: <reason>".
    explicit PartialFile(std::string path);
    ~PartialFile();
    PartialFile(const PartialFile&) = delete;
    PartialFile& operator=(const PartialFile&) = delete;

    const std::string& path() const { return path_; }
    const std::string& partial_path() const { return partial_; }
    // The folder the file is in ("." for a bare file name).
    std::string folder() const;

    // Buffered output: append to buffer(), then flush_if_full() at a row's end; commit() writes the rest.
    std::string& buffer() { return buffer_; }
    void flush_if_full() {
        if (buffer_.size() >= kBufferBytes) flush();
    }
    void flush();

    // Flushes the buffer, fsyncs and closes the file, renames it to PATH and fsyncs the folder.
    // Throws naming PATH; if only the folder's fsync fails the file is already complete under PATH.
    void commit();

    [[noreturn]] void fail(std::string_view what) const;  // "PATH: cannot WHAT: strerror(errno)"

  private:
    static constexpr std::size_t kBufferBytes = 1 << 20;
    std::string path_, partial_, buffer_;
    int fd_ = -1;
    bool committed_ = false;
};

}  // namespace lkp::tables
