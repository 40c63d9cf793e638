#include "codegen/emit_llvm.h"
#include "codegen/math_ir.h"
#include "codegen/step_signature.h"
#include "ir/elementwise.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>

#include <functional>
#include <map>
#include <set>

namespace aec::codegen {

using ir::NodeId;
using ir::Op;

namespace {

// The elementwise algebra of ir/elementwise.h over llvm::Value*.
struct IRAlgebra {
  using V = llvm::Value *;
  llvm::IRBuilder<> &b;
  V c(double v) { return llvm::ConstantFP::get(b.getFloatTy(), v); }
  V add(V x, V y) { return b.CreateFAdd(x, y); }
  V sub(V x, V y) { return b.CreateFSub(x, y); }
  V mul(V x, V y) { return b.CreateFMul(x, y); }
  V div(V x, V y) { return b.CreateFDiv(x, y); }
  V neg(V x) { return b.CreateFNeg(x); }
  V exp(V x) { return emit_exp(b, x); }
  V log(V x) { return emit_log(b, x); }
  V sqrt(V x) { return b.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, x); }
  V abs(V x) { return b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x); }
  V max(V x, V y) { return b.CreateSelect(b.CreateFCmpOGT(x, y), x, y); }
  V gt(V x, V y) { return b.CreateSelect(b.CreateFCmpOGT(x, y), c(1), c(0)); }
  V pow(V x, V y) { return b.CreateBinaryIntrinsic(llvm::Intrinsic::pow, x, y); }
};

class Emitter {
public:
  Emitter(llvm::LLVMContext &ctx, llvm::Module &m, const ir::Graph &g, const Schedule &s, const CodegenOptions &o, const void *profile_tag)
      : ctx_(ctx), mod_(m), g_(g), s_(s), options_(o), profile_tag_(profile_tag), b_(ctx) {
    f32_ = b_.getFloatTy();
    i64_ = b_.getInt64Ty();
    ptr_ = llvm::PointerType::getUnqual(ctx);
    llvm::FastMathFlags fmf;
    fmf.setAllowReassoc();
    fmf.setAllowContract();
    b_.setFastMathFlags(fmf);
  }

  // By step: the compiled loop and the buffers it is called with (null for a runtime call).
  using StepKernels = std::vector<std::pair<llvm::Function *, std::vector<int>>>;

  // Loops get a function each, shared by the steps with the same signature (an unrolled encoder's
  // steps share theirs) and never inlined into the entry: one huge entry took LLVM's function
  // passes far longer than the same code as separate functions. Steps that are one runtime call
  // (GEMMs, transposes, inverses) are emitted in the entry directly.
  // Loops over samples may run on several threads: such a step gets a wrapper with one
  // signature, (slots, batch, first sample, end sample), that aec_for_samples calls per chunk.
  void run() {
    StepKernels kernels;
    std::vector<llvm::Function *> wrappers(s_.steps.size(), nullptr);
    std::map<std::string, llvm::Function *> by_signature;
    for (size_t i = 0; i < s_.steps.size(); ++i) {
      if (is_runtime_call(s_.steps[i])) {
        kernels.emplace_back(nullptr, std::vector<int>{});
        continue;
      }
      StepSignature sig = step_signature(g_, s_, s_.steps[i]);
      llvm::Function *&fn = by_signature[sig.key];
      if (!fn) fn = emit_step(s_.steps[i], sig.slots, i);
      kernels.emplace_back(fn, std::move(sig.slots));
      if (worth_sharing(per_sample_work(s_.steps[i]))) wrappers[i] = emit_wrapper(kernels[i].first, kernels[i].second, i);
    }
    auto *fty = llvm::FunctionType::get(b_.getVoidTy(), {ptr_, i64_}, false);
    auto *entry = llvm::Function::Create(fty, llvm::Function::ExternalLinkage, kEntryName, mod_);
    if (s_.steps.size() <= kStepsPerPart) return emit_calls(entry, 0, s_.steps.size(), kernels, wrappers);
    // Longer schedules run as parts of kStepsPerPart steps: LLVM's instruction selection takes
    // time superlinear in a basic block's length, and the entry is one block.
    std::vector<llvm::Function *> parts;
    for (size_t first = 0; first < s_.steps.size(); first += kStepsPerPart) {
      auto *part = llvm::Function::Create(fty, llvm::Function::InternalLinkage, "part" + std::to_string(parts.size()), mod_);
      part->addFnAttr(llvm::Attribute::NoUnwind);
      part->addFnAttr(llvm::Attribute::NoInline);
      emit_calls(part, first, std::min(first + kStepsPerPart, s_.steps.size()), kernels, wrappers);
      parts.push_back(part);
    }
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", entry));
    for (llvm::Function *part : parts) b_.CreateCall(part, {entry->getArg(0), entry->getArg(1)});
    b_.CreateRetVoid();
  }

private:
  static constexpr size_t kStepsPerPart = 64;

  // fn(slots, batch) runs steps [first, last): runtime calls in place, loops through their kernels.
  void emit_calls(llvm::Function *fn, size_t first, size_t last, const StepKernels &kernels,
                  const std::vector<llvm::Function *> &wrappers) {
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn));
    llvm::Value *slots = fn->getArg(0), *batch = fn->getArg(1);
    if (first == 0) mark_profile(-1);
    for (size_t i = first; i < last; ++i) {
      auto &[kernel, used] = kernels[i];
      if (!kernel) {
        arg_of_slot_.clear();
        for (int slot : step_buffers(s_.steps[i])) arg_of_slot_[slot] = buffer(slots, slot);
        batch_ = batch;
        emit_body(s_.steps[i]);
      } else if (wrappers[i]) {
        b_.CreateCall(runtime_fn("aec_for_samples", {ptr_, ptr_, i64_, i64_}),
                      {wrappers[i], slots, batch, i64c(per_sample_work(s_.steps[i]))});
      } else {
        std::vector<llvm::Value *> args;
        for (int slot : used) args.push_back(buffer(slots, slot));
        args.insert(args.end(), {batch, i64c(0), batch});
        b_.CreateCall(kernel, args);
      }
      mark_profile(int64_t(i));
    }
    b_.CreateRetVoid();
  }

  // aec_profile_mark(tag, step): the end of `step`, or with -1 the start of the entry.
  void mark_profile(int64_t step) {
    if (!profile_tag_) return;
    llvm::Value *tag = llvm::ConstantExpr::getIntToPtr(b_.getInt64(reinterpret_cast<uintptr_t>(profile_tag_)), ptr_);
    b_.CreateCall(runtime_fn("aec_profile_mark", {ptr_, i64_}), {tag, i64c(step)});
  }

  llvm::LLVMContext &ctx_;
  llvm::Module &mod_;
  const ir::Graph &g_;
  const Schedule &s_;
  const CodegenOptions &options_;
  const void *profile_tag_;
  llvm::IRBuilder<> b_;
  llvm::Type *f32_, *i64_, *ptr_;

  // Per-kernel state.
  std::map<int, llvm::Value *> arg_of_slot_;
  llvm::Value *batch_ = nullptr, *inv_batch_ = nullptr;
  llvm::Value *sample_begin_ = nullptr, *sample_end_ = nullptr; // a loop step's share of the samples
  NodeId root_ = -1;

  int slot(NodeId n) const { return s_.slot[static_cast<size_t>(n)]; }
  const ir::Node &node(NodeId n) const { return g_.node(n); }
  llvm::Value *i64c(int64_t v) { return b_.getInt64(static_cast<uint64_t>(v)); }

  // for (v = 0; v < count; ++v) body(v)
  void loop(llvm::Value *count, const char *name, const std::function<void(llvm::Value *)> &body) {
    loop_range(i64c(0), count, name, body);
  }

  // The samples of a batched node this step computes: its share [begin, end) inside a loop step,
  // else all of them.
  void sample_loop(const ir::Node &n, const std::function<void(llvm::Value *)> &body) {
    if (n.batched && sample_begin_) loop_range(sample_begin_, sample_end_, "b", body);
    else loop(samples(n), "b", body);
  }

  // for (v = begin; v < end; ++v) body(v)
  void loop_range(llvm::Value *begin, llvm::Value *end, const char *name, const std::function<void(llvm::Value *)> &body) {
    llvm::Function *fn = b_.GetInsertBlock()->getParent();
    llvm::BasicBlock *pre = b_.GetInsertBlock();
    auto *head = llvm::BasicBlock::Create(ctx_, std::string(name) + ".head", fn);
    auto *bodyb = llvm::BasicBlock::Create(ctx_, std::string(name) + ".body", fn);
    auto *exit = llvm::BasicBlock::Create(ctx_, std::string(name) + ".exit", fn);
    b_.CreateBr(head);
    b_.SetInsertPoint(head);
    llvm::PHINode *v = b_.CreatePHI(i64_, 2, name);
    v->addIncoming(begin, pre);
    b_.CreateCondBr(b_.CreateICmpSLT(v, end), bodyb, exit);
    b_.SetInsertPoint(bodyb);
    body(v);
    llvm::Value *next = b_.CreateAdd(v, i64c(1), "", true, true);
    v->addIncoming(next, b_.GetInsertBlock());
    b_.CreateBr(head);
    b_.SetInsertPoint(exit);
  }

  llvm::Value *address(NodeId n, llvm::Value *b, llvm::Value *i) {
    const ir::Node &nd = node(n);
    llvm::Value *idx = nd.shape.numel() == 1 ? i64c(0) : i;
    if (nd.batched) idx = b_.CreateAdd(idx, b_.CreateMul(b, i64c(nd.shape.numel())));
    return b_.CreateGEP(f32_, arg_of_slot_.at(slot(n)), idx);
  }

  // The value of node n at sample b, element i, inside a loop.
  llvm::Value *read(NodeId n, llvm::Value *b, llvm::Value *i) {
    if (n != root_ && slot(n) >= 0) return b_.CreateLoad(f32_, address(n, b, i));
    return compute(n, b, i);
  }

  llvm::Value *compute(NodeId n, llvm::Value *b, llvm::Value *i) {
    const ir::Node &nd = node(n);
    IRAlgebra alg{b_};
    switch (nd.op) {
    case Op::Const: return alg.c(nd.attr.value);
    case Op::Eye: {
      llvm::Value *rows = i64c(nd.shape.rows());
      llvm::Value *diag = b_.CreateICmpEQ(b_.CreateURem(i, rows), b_.CreateUDiv(i, rows));
      return b_.CreateSelect(diag, alg.c(1), alg.c(0));
    }
    case Op::BroadcastTo:
    case Op::BatchBroadcast: return read(nd.in[0], b, i);
    case Op::ColBroadcast: return read(nd.in[0], b, b_.CreateURem(i, i64c(nd.shape.rows())));
    case Op::RowBroadcast: return read(nd.in[0], b, b_.CreateUDiv(i, i64c(nd.shape.rows())));
    case Op::BatchSpread: return b_.CreateFMul(read(nd.in[0], b, i), inv_batch_);
    case Op::Reshape: return read(nd.in[0], b, i); // the same storage order
    case Op::ChannelBroadcast: return read(nd.in[0], b, b_.CreateUDiv(i, i64c(nd.shape.d[1] * nd.shape.d[2])));
    case Op::AvgPool:
    case Op::MaxPoolAt:
    case Op::MaxUnpool:
    case Op::Upsample: return compute_window_op(nd, b, i);
    case Op::Input:
    case Op::Param:
    case Op::RandN:
    case Op::RandU:
    case Op::Bernoulli: return b_.CreateLoad(f32_, address(n, b, i)); // an output that is a leaf: a copy
    default: break;
    }
    llvm::Value *x = read(nd.in[0], b, i);
    llvm::Value *y = nd.in.size() > 1 ? read(nd.in[1], b, i) : nullptr;
    return ir::eval_elementwise(nd.op, alg, x, y, nd.attr.value);
  }

  // Image coordinates (channel, row, column) of element i of a [c, h, w] value.
  struct Pixel {
    llvm::Value *c, *y, *x;
  };
  Pixel pixel(llvm::Value *i, const ir::Shape &s) {
    llvm::Value *w = i64c(s.d[2]), *h = i64c(s.d[1]);
    llvm::Value *row = b_.CreateUDiv(i, w);
    return {b_.CreateUDiv(row, h), b_.CreateURem(row, h), b_.CreateURem(i, w)};
  }
  llvm::Value *pixel_index(const Pixel &p, const ir::Shape &s) {
    return b_.CreateAdd(b_.CreateMul(b_.CreateAdd(b_.CreateMul(p.c, i64c(s.d[1])), p.y), i64c(s.d[2])), p.x);
  }

  // The index of the first largest entry of t in the k x k window (wy, wx) of channel c.
  llvm::Value *window_argmax(NodeId t, llvm::Value *b, llvm::Value *c, llvm::Value *wy, llvm::Value *wx, int64_t k) {
    const ir::Shape &s = node(t).shape;
    llvm::Value *best = nullptr, *best_value = nullptr;
    for (int64_t di = 0; di < k; ++di)
      for (int64_t dj = 0; dj < k; ++dj) {
        Pixel p{c, b_.CreateAdd(b_.CreateMul(wy, i64c(k)), i64c(di)), b_.CreateAdd(b_.CreateMul(wx, i64c(k)), i64c(dj))};
        llvm::Value *at = pixel_index(p, s), *v = read(t, b, at);
        if (!best) {
          best = at;
          best_value = v;
          continue;
        }
        llvm::Value *larger = b_.CreateFCmpOGT(v, best_value);
        best = b_.CreateSelect(larger, at, best);
        best_value = b_.CreateSelect(larger, v, best_value);
      }
    return best;
  }

  // Pooling and upsampling, element i of the output gathered from its window (ir/ops.def).
  llvm::Value *compute_window_op(const ir::Node &nd, llvm::Value *b, llvm::Value *i) {
    const int64_t k = nd.attr.stride;
    NodeId t = nd.in[0];
    const ir::Shape &ts = node(t).shape;
    llvm::Value *zero = llvm::ConstantFP::get(f32_, 0.0);
    switch (nd.op) {
    case Op::AvgPool: {
      Pixel p = pixel(i, nd.shape);
      llvm::Value *sum = nullptr;
      for (int64_t di = 0; di < k; ++di)
        for (int64_t dj = 0; dj < k; ++dj) {
          Pixel q{p.c, b_.CreateAdd(b_.CreateMul(p.y, i64c(k)), i64c(di)), b_.CreateAdd(b_.CreateMul(p.x, i64c(k)), i64c(dj))};
          llvm::Value *v = read(t, b, pixel_index(q, ts));
          sum = sum ? b_.CreateFAdd(sum, v) : v;
        }
      return b_.CreateFMul(sum, llvm::ConstantFP::get(f32_, 1.0 / static_cast<double>(k * k)));
    }
    case Op::MaxPoolAt: {
      Pixel p = pixel(i, nd.shape);
      return read(nd.in[1], b, window_argmax(t, b, p.c, p.y, p.x, k));
    }
    case Op::MaxUnpool: { // u at the window's largest entry: this element, when it is that entry
      const ir::Shape &us = node(nd.in[1]).shape;
      Pixel p = pixel(i, nd.shape);
      Pixel w{p.c, b_.CreateUDiv(p.y, i64c(k)), b_.CreateUDiv(p.x, i64c(k))};
      llvm::Value *inside = b_.CreateAnd(b_.CreateICmpULT(w.y, i64c(us.d[1])), b_.CreateICmpULT(w.x, i64c(us.d[2])));
      // Rows and columns beyond the last whole window read window 0 and are masked out.
      w.y = b_.CreateSelect(inside, w.y, i64c(0));
      w.x = b_.CreateSelect(inside, w.x, i64c(0));
      llvm::Value *chosen = b_.CreateAnd(inside, b_.CreateICmpEQ(window_argmax(t, b, p.c, w.y, w.x, k), i));
      return b_.CreateSelect(chosen, read(nd.in[1], b, pixel_index(w, us)), zero);
    }
    default: { // Upsample: the entry of the block this element lies in, zero beyond the blocks
      Pixel p = pixel(i, nd.shape);
      Pixel q{p.c, b_.CreateUDiv(p.y, i64c(k)), b_.CreateUDiv(p.x, i64c(k))};
      llvm::Value *inside = b_.CreateAnd(b_.CreateICmpULT(q.y, i64c(ts.d[1])), b_.CreateICmpULT(q.x, i64c(ts.d[2])));
      q.y = b_.CreateSelect(inside, q.y, i64c(0));
      q.x = b_.CreateSelect(inside, q.x, i64c(0));
      return b_.CreateSelect(inside, read(t, b, pixel_index(q, ts)), zero);
    }
    }
  }

  llvm::Value *buffer(llvm::Value *slots, int slot) { return b_.CreateLoad(ptr_, b_.CreateConstGEP1_64(ptr_, slots, slot)); }

  // Floats a step writes per sample when its outer loop runs over the samples, else 0.
  int64_t per_sample_work(const Step &st) const {
    const ir::Node &n = node(st.node);
    switch (st.kind) {
    case StepKind::Pointwise: return n.batched ? n.shape.numel() : 0;
    case StepKind::SampleSum:
    case StepKind::AxisSum: return node(n.in[0]).batched ? node(n.in[0]).shape.numel() : 0;
    default: return 0;
    }
  }

  // Wrappers cost compile time (30-50% more when every loop of deep_ae has one), so a loop gets
  // one only when the kernel is compiled for a team and the loop is wide (1024 floats a sample
  // with the default threshold): those are the loops where sharing pays.
  bool worth_sharing(int64_t per_sample) const {
    return per_sample > 0 && options_.threads > 1 && 16 * 64 * per_sample >= options_.minimum_shared_work;
  }

  // void wk(ptr slots, i64 batch, i64 begin, i64 end): the step's buffers from the slots.
  llvm::Function *emit_wrapper(llvm::Function *step, const std::vector<int> &used, size_t index) {
    auto *fty = llvm::FunctionType::get(b_.getVoidTy(), {ptr_, i64_, i64_, i64_}, false);
    auto *fn = llvm::Function::Create(fty, llvm::Function::InternalLinkage, "w" + std::to_string(index), mod_);
    fn->addFnAttr(llvm::Attribute::NoUnwind);
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn));
    std::vector<llvm::Value *> args;
    for (int slot : used) args.push_back(buffer(fn->getArg(0), slot));
    args.insert(args.end(), {fn->getArg(1), fn->getArg(2), fn->getArg(3)});
    b_.CreateCall(step, args);
    b_.CreateRetVoid();
    return fn;
  }

  static bool is_runtime_call(const Step &st) {
    return st.kind == StepKind::Gemm || st.kind == StepKind::GemmSum || st.kind == StepKind::Transpose || st.kind == StepKind::Inverse ||
           st.kind == StepKind::Conv;
  }

  // The buffers a step reads and writes.
  std::vector<int> step_buffers(const Step &st) const {
    std::vector<int> used = step_reads(g_, s_, st);
    if (std::find(used.begin(), used.end(), slot(st.node)) == used.end()) used.push_back(slot(st.node));
    return used;
  }

  // The work of one step at the builder's insertion point, its buffers in arg_of_slot_.
  void emit_body(const Step &st) {
    const ir::Node &n = node(st.node);
    root_ = st.node;
    switch (st.kind) {
    case StepKind::Pointwise: emit_pointwise(st.node); break;
    case StepKind::SampleSum: emit_sample_sum(st.node); break;
    case StepKind::BatchReduce: emit_batch_reduce(st.node); break;
    case StepKind::AxisSum: emit_axis_sum(st.node); break;
    case StepKind::Gemm: emit_gemm(st.node, st.node, 0.0f); break;
    case StepKind::GemmSum:
      emit_gemm(n.in[0], st.node, 0.0f);
      emit_gemm(n.in[1], st.node, 1.0f);
      break;
    case StepKind::Transpose: emit_transpose(st.node); break;
    case StepKind::Inverse: emit_inverse(st.node); break;
    case StepKind::Conv: emit_conv(st.node); break;
    }
  }

  // A loop step as a function of its buffers, `used` in argument order (noalias: distinct buffers
  // never overlap), and the batch size.
  llvm::Function *emit_step(const Step &st, const std::vector<int> &used, size_t index) {
    const ir::Node &n = node(st.node);

    std::vector<llvm::Type *> params(used.size(), ptr_);
    params.insert(params.end(), {i64_, i64_, i64_}); // batch, first sample, end sample
    auto *fty = llvm::FunctionType::get(b_.getVoidTy(), params, false);
    std::string name = "k" + std::to_string(index) + "_" + ir::info(n.op).spelling;
    auto *fn = llvm::Function::Create(fty, llvm::Function::InternalLinkage, name, mod_);
    fn->addFnAttr(llvm::Attribute::NoUnwind);
    fn->addFnAttr(llvm::Attribute::NoInline);
    arg_of_slot_.clear();
    for (size_t k = 0; k < used.size(); ++k) {
      fn->addParamAttr(static_cast<unsigned>(k), llvm::Attribute::NoAlias);
      arg_of_slot_[used[k]] = fn->getArg(static_cast<unsigned>(k));
    }
    batch_ = fn->getArg(static_cast<unsigned>(used.size()));
    sample_begin_ = fn->getArg(static_cast<unsigned>(used.size() + 1));
    sample_end_ = fn->getArg(static_cast<unsigned>(used.size() + 2));
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn));
    inv_batch_ = b_.CreateFDiv(llvm::ConstantFP::get(f32_, 1.0), b_.CreateSIToFP(batch_, f32_));

    emit_body(st);
    b_.CreateRetVoid();
    sample_begin_ = sample_end_ = nullptr;
    return fn;
  }

  llvm::Value *samples(const ir::Node &n) { return n.batched ? batch_ : i64c(1); }

  void emit_pointwise(NodeId id) {
    const ir::Node &n = node(id);
    sample_loop(n, [&](llvm::Value *b) {
      loop(i64c(n.shape.numel()), "i", [&](llvm::Value *i) { b_.CreateStore(compute(id, b, i), address(id, b, i)); });
    });
  }

  void emit_sample_sum(NodeId id) {
    const ir::Node &n = node(id);
    if (n.op != Op::SumAll) return emit_sample_reduction(id);
    NodeId x = n.in[0];
    const ir::Node &xn = node(x);
    llvm::Value *acc = b_.CreateAlloca(f32_); // promoted to a register by SROA
    sample_loop(xn, [&](llvm::Value *b) {
      b_.CreateStore(llvm::ConstantFP::get(f32_, 0.0), acc);
      loop(i64c(xn.shape.numel()), "i",
           [&](llvm::Value *i) { b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(f32_, acc), read(x, b, i)), acc); });
      b_.CreateStore(b_.CreateLoad(f32_, acc), address(id, b, i64c(0)));
    });
  }

  // logsumexp (the largest entry m, then m + log(sum(exp(x - m)))) and argmax (the first largest).
  void emit_sample_reduction(NodeId id) {
    const ir::Node &n = node(id);
    NodeId x = n.in[0];
    const ir::Node &xn = node(x);
    IRAlgebra alg{b_};
    llvm::Value *best = b_.CreateAlloca(f32_), *best_at = b_.CreateAlloca(i64_), *sum = b_.CreateAlloca(f32_);
    sample_loop(xn, [&](llvm::Value *b) {
      b_.CreateStore(read(x, b, i64c(0)), best);
      b_.CreateStore(i64c(0), best_at);
      loop_range(i64c(1), i64c(xn.shape.numel()), "i", [&](llvm::Value *i) {
        llvm::Value *v = read(x, b, i), *larger = b_.CreateFCmpOGT(v, b_.CreateLoad(f32_, best));
        b_.CreateStore(b_.CreateSelect(larger, v, b_.CreateLoad(f32_, best)), best);
        b_.CreateStore(b_.CreateSelect(larger, i, b_.CreateLoad(i64_, best_at)), best_at);
      });
      llvm::Value *result = b_.CreateSIToFP(b_.CreateLoad(i64_, best_at), f32_);
      if (n.op == Op::LogSumExp) {
        llvm::Value *m = b_.CreateLoad(f32_, best);
        b_.CreateStore(alg.c(0), sum);
        loop(i64c(xn.shape.numel()), "i", [&](llvm::Value *i) {
          b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(f32_, sum), alg.exp(b_.CreateFSub(read(x, b, i), m))), sum);
        });
        result = b_.CreateFAdd(m, alg.log(b_.CreateLoad(f32_, sum)));
      }
      b_.CreateStore(result, address(id, b, i64c(0)));
    });
  }

  void emit_batch_reduce(NodeId id) {
    const ir::Node &n = node(id);
    NodeId x = n.in[0];
    llvm::Value *zero = i64c(0), *count = i64c(n.shape.numel());
    loop(count, "i", [&](llvm::Value *i) { b_.CreateStore(llvm::ConstantFP::get(f32_, 0.0), address(id, zero, i)); });
    loop(samples(node(x)), "b", [&](llvm::Value *b) {
      loop(count, "i", [&](llvm::Value *i) {
        llvm::Value *p = address(id, zero, i);
        b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(f32_, p), read(x, b, i)), p);
      });
    });
    if (n.op == Op::BatchMean)
      loop(count, "i", [&](llvm::Value *i) {
        llvm::Value *p = address(id, zero, i);
        b_.CreateStore(b_.CreateFMul(b_.CreateLoad(f32_, p), inv_batch_), p);
      });
  }

  // Row sums (RowSum: out[r] = sum_c x[r, c]) or column sums (ColSum: out[c] = sum_r x[r, c]) of
  // each sample's column-major matrix; the inner loop runs down a column either way.
  void emit_axis_sum(NodeId id) {
    const ir::Node &n = node(id);
    NodeId x = n.in[0];
    const ir::Node &xn = node(x);
    // An image [c, h, w] is the column-major matrix [h w, c]: its channel sums are column sums.
    int64_t rows = xn.shape.is_image() ? xn.shape.d[1] * xn.shape.d[2] : xn.shape.rows();
    int64_t cols = xn.shape.is_image() ? xn.shape.d[0] : xn.shape.cols();
    bool by_row = n.op == Op::RowSum;
    llvm::Value *zero = llvm::ConstantFP::get(f32_, 0.0);
    sample_loop(xn, [&](llvm::Value *b) {
      loop(i64c(n.shape.numel()), "o", [&](llvm::Value *o) { b_.CreateStore(zero, address(id, b, o)); });
      loop(i64c(cols), "c", [&](llvm::Value *c) {
        loop(i64c(rows), "r", [&](llvm::Value *r) {
          llvm::Value *p = address(id, b, by_row ? r : c);
          llvm::Value *v = read(x, b, b_.CreateAdd(r, b_.CreateMul(c, i64c(rows))));
          b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(f32_, p), v), p);
        });
      });
    });
  }

  llvm::FunctionCallee runtime_fn(const char *name, const std::vector<llvm::Type *> &args) {
    return mod_.getOrInsertFunction(name, llvm::FunctionType::get(b_.getVoidTy(), args, false));
  }

  // Column-major GEMM C[M,N] = op(A)[M,K] op(B)[K,N] through the runtime.
  // The product `id` into the buffer of `out` (itself, or the sum it accumulates into with beta 1).
  void emit_gemm(NodeId id, NodeId out, float beta) {
    const ir::Node &n = node(id);
    NodeId a = n.in[0], bnode = n.in[1];
    if (n.op == Op::MatMul && (node(a).batched || (node(bnode).batched && n.attr.trans_b))) return emit_gemm_each(id);
    const ir::Shape &sa = node(a).shape, &sb = node(bnode).shape;
    llvm::Value *M, *N, *K, *lda, *ldb, *ldc;
    bool ta = n.attr.trans_a, tb = n.attr.trans_b;
    if (n.op == Op::OuterSum) { // sum_b a_b b_b' = A[m, p B] Bm[n, p B]' (all samples' columns)
      M = i64c(sa.rows());
      N = i64c(sb.rows());
      K = b_.CreateMul(batch_, i64c(sa.cols()));
      lda = M;
      ldb = N;
      ldc = M;
      ta = false;
      tb = true;
    } else {
      int64_t arows = ta ? sa.cols() : sa.rows(), acols = ta ? sa.rows() : sa.cols();
      M = i64c(arows);
      K = i64c(acols);
      lda = i64c(sa.rows());
      ldb = i64c(sb.rows());
      ldc = M;
      // A batched right operand (never transposed): all samples' columns side by side form N.
      N = i64c(tb ? sb.rows() : sb.cols());
      if (node(bnode).batched) N = b_.CreateMul(batch_, N);
    }
    auto fn = runtime_fn(options_.bfloat16_products ? "aec_gemm_bf16" : "aec_gemm",
                         {b_.getInt32Ty(), b_.getInt32Ty(), i64_, i64_, i64_, ptr_, i64_, ptr_, i64_, ptr_, i64_, f32_});
    b_.CreateCall(fn, {b_.getInt32(ta), b_.getInt32(tb), M, N, K, arg_of_slot_.at(slot(a)), lda, arg_of_slot_.at(slot(bnode)), ldb,
                       arg_of_slot_.at(slot(out)), ldc, llvm::ConstantFP::get(f32_, beta)});
  }

  void emit_inverse(NodeId id) {
    const ir::Node &n = node(id);
    auto fn = runtime_fn("aec_inverse", {i64_, i64_, ptr_, ptr_});
    b_.CreateCall(fn, {i64c(n.shape.rows()), samples(n), arg_of_slot_.at(slot(n.in[0])), arg_of_slot_.at(slot(id))});
  }

  // A product with a per-sample left operand (or a transposed per-sample right one): one GEMM
  // per sample, shared operands with stride 0.
  void emit_gemm_each(NodeId id) {
    const ir::Node &n = node(id);
    NodeId a = n.in[0], bnode = n.in[1];
    const ir::Shape &sa = node(a).shape, &sb = node(bnode).shape;
    bool ta = n.attr.trans_a, tb = n.attr.trans_b;
    int64_t M = ta ? sa.cols() : sa.rows(), K = ta ? sa.rows() : sa.cols(), N = tb ? sb.rows() : sb.cols();
    auto stride = [&](NodeId x) { return i64c(node(x).batched ? node(x).shape.numel() : 0); };
    auto fn = runtime_fn(options_.bfloat16_products ? "aec_gemm_each_bf16" : "aec_gemm_each",
                         {b_.getInt32Ty(), b_.getInt32Ty(), i64_, i64_, i64_, ptr_, i64_, i64_, ptr_, i64_, i64_, ptr_, i64_, i64_, i64_});
    b_.CreateCall(fn, {b_.getInt32(ta), b_.getInt32(tb), i64c(M), i64c(N), i64c(K), arg_of_slot_.at(slot(a)), i64c(sa.rows()), stride(a),
                       arg_of_slot_.at(slot(bnode)), i64c(sb.rows()), stride(bnode), arg_of_slot_.at(slot(id)), i64c(M),
                       i64c(n.shape.numel()), samples(n)});
  }

  // A convolution through the runtime (runtime/conv_calls.h): its geometry as a constant array,
  // then each operand with its per-sample stride (0 when shared by the batch).
  void emit_conv(NodeId id) {
    const ir::Node &n = node(id);
    NodeId a = n.in[0], bnode = n.in[1];
    // (filters, large, small) of the geometry by op: conv(K, large) -> small, conv_t(K, small) ->
    // large, conv_filter(small, large) -> filters.
    const ir::Shape *filters = &node(a).shape, *large = &node(bnode).shape, *small = &n.shape;
    const char *fn_name = "aec_conv";
    if (n.op == Op::ConvT) {
      large = &n.shape;
      small = &node(bnode).shape;
      fn_name = "aec_conv_t";
    } else if (n.op == Op::ConvFilter) {
      filters = &n.shape;
      small = &node(a).shape;
      fn_name = "aec_conv_filter";
    }
    std::vector<uint64_t> geometry = {uint64_t(filters->d[0]), uint64_t(filters->d[1]), uint64_t(filters->d[2]), uint64_t(filters->d[3]),
                                      uint64_t(large->d[1]),   uint64_t(large->d[2]),   uint64_t(small->d[1]),   uint64_t(small->d[2]),
                                      uint64_t(n.attr.stride), uint64_t(n.attr.pad)};
    auto *init = llvm::ConstantDataArray::get(ctx_, geometry);
    auto *global = new llvm::GlobalVariable(mod_, init->getType(), true, llvm::GlobalValue::PrivateLinkage, init, "conv_geometry");
    auto stride = [&](NodeId x) { return i64c(node(x).batched ? node(x).shape.numel() : 0); };
    bool batched = node(a).batched || node(bnode).batched;
    auto fn = runtime_fn(fn_name, {ptr_, ptr_, i64_, ptr_, i64_, ptr_, i64_});
    b_.CreateCall(fn, {global, arg_of_slot_.at(slot(a)), stride(a), arg_of_slot_.at(slot(bnode)), stride(bnode), arg_of_slot_.at(slot(id)),
                       batched ? batch_ : i64c(1)});
  }

  void emit_transpose(NodeId id) {
    const ir::Node &n = node(id), &in = node(n.in[0]);
    auto fn = runtime_fn("aec_transpose", {i64_, i64_, i64_, ptr_, ptr_});
    b_.CreateCall(fn,
                  {i64c(in.shape.rows()), i64c(in.shape.cols()), samples(n), arg_of_slot_.at(slot(n.in[0])), arg_of_slot_.at(slot(id))});
  }
};

} // namespace

std::unique_ptr<llvm::Module> emit_module(llvm::LLVMContext &ctx, const ir::Graph &g, const Schedule &s, const std::string &module_name,
                                          const CodegenOptions &options, const void *profile_tag) {
  auto m = std::make_unique<llvm::Module>(module_name, ctx);
  Emitter(ctx, *m, g, s, options, profile_tag).run();
  return m;
}

} // namespace aec::codegen
