// The compiled XSDs, loaded once into a locked Xerces grammar pool that every
// parser (on any thread) validates against; documents cannot add to it.
#pragma once

#include "bus/codec/schema_set.hpp"

#include <xercesc/framework/XMLGrammarPool.hpp>

#include <memory>

namespace govbus::codec {

class GrammarPool {
public:
    // Loads the envelope XSD and every payload XSD of `schemas`, then locks the
    // pool. Throws std::runtime_error naming the file and error when an XSD is broken.
    explicit GrammarPool(const SchemaSet& schemas);
    ~GrammarPool();
    GrammarPool(const GrammarPool&) = delete;
    GrammarPool& operator=(const GrammarPool&) = delete;

    xercesc::XMLGrammarPool* get() const { return pool_.get(); }

private:
    std::unique_ptr<xercesc::XMLGrammarPool> pool_;
};

}  // namespace govbus::codec
