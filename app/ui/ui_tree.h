#pragma once
// What is on screen, as data: every element a person can tap and every block of text they read,
// with its visible text in reading order and its rectangle in window pixels. Written as JSON for
// end-to-end tests and assistive tools, and only when it changes.
#include <string>
#include <vector>

namespace lkp {

struct UiElement {
    std::string id;                    // stable, e.g. "question.option.3"
    std::string role;                  // "button", or "text" for words to read (titles, questions, hints)
    std::string label;                 // the visible text, logical order
    float x = 0, y = 0, w = 0, h = 0;  // a text's rectangle is its ink: its lines as drawn
    bool fits = true;                  // the label fits its rectangle (checked by the overflow test; not in the JSON)
    bool selected = false;             // a chosen language, a toggle that is on ("selected": true in the JSON)
};

class UiTree {
  public:
    explicit UiTree(std::string path = {}) : path_(std::move(path)) {}

    void begin(std::string screen, std::string language);
    void add(UiElement e) { elements_.push_back(std::move(e)); }
    // Moves the elements added since `first` (screen care's drift moves what they show).
    void shift(std::size_t first, float dx, float dy);
    // Darkened for the night ("dimmed": true in the JSON).
    void set_dimmed(bool dimmed) { dimmed_ = dimmed; }
    bool dimmed() const { return dimmed_; }
    // Finishes the frame's tree; rewrites the file (atomically) if it changed. True if changed.
    bool end();

    const std::string& screen() const { return screen_; }
    const std::vector<UiElement>& elements() const { return elements_; }
    std::string to_json() const;

  private:
    std::string path_;
    std::string screen_, language_;
    std::vector<UiElement> elements_;
    bool dimmed_ = false;
    std::string last_written_;
};

}  // namespace lkp
