// The front door of the front end: .ae text -> ast::Program. Syntax errors (including those
// ANTLR recovered from) are collected and thrown as one CompileError.
#pragma once
#include "ast/ast.h"

namespace aec {

ast::Program parse_program(const SourcePtr &source);

} // namespace aec
