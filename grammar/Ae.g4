// The .ae model language (../shared/spec/LANGUAGE.md). One statement per line; a line may
// continue after a binary operator, a comma or an open bracket (the NL* below).
// `df/dx`, `d(e)/d(v)` and `A^T` are read by the AST builder and sema, not here: `df` is an
// ordinary name until sema knows `f` is a function, and `^T` is `^` followed by the name T.
grammar Ae;

program   : NL* (statement (NL+ statement)*)? NL* EOF ;

statement
  : 'dim' name ('=' INT)?                                          # dimStmt
  | 'input' name ':' shape                                         # inputStmt
  | 'param' name ':' shape (PER SAMPLE)? '=' initializer           # paramStmt
  | 'hyper' name '=' signedNumber                                  # hyperStmt
  | 'minimize' expr                                                # minimizeStmt
  | 'output' name '=' expr                                         # outputStmt
  | 'check' name '(' NL* args NL* ')'                              # checkStmt
  | 'train' trainOption*                                           # trainStmt
  | name subscriptList? '(' NL* formals? NL* ')' '=' NL* expr      # funcStmt
  | name '=' NL* expr                                              # assignStmt
  ;

shape        : '[' NL* (size (',' NL* size)*)? NL* ']' ;
size         : INT | name ;
initializer  : name ('(' NL* args? NL* ')')? ;
signedNumber : '-'? number ;
trainOption  : name '=' trainValue ;
trainValue   : signedNumber | name (':' number)* (',' name)* ;  // step:EVERY:FACTOR, or names W1,b1
subscriptList: '{' name (',' name)* '}' ;
formals      : name (',' NL* name)* ;
args         : arg (',' NL* arg)* ;
arg          : (name '=' NL*)? expr ;   // a keyword argument (stride=2) where a built-in lists it

expr
  : UNROLL size FROM name '=' expr ':' NL* expr                    # unrollExpr
  | sum                                                            # plainExpr
  ;
sum     : sum op=('+' | '-') NL* product | product ;
product : product op=('*' | '.*' | './' | '/') NL* unary | unary ;
unary   : '-' unary | postfix ;
postfix : atom suffix* ;
suffix  : '\'' | '^' exponent ;
exponent: number | '-' number | name | '(' NL* expr NL* ')' ;
atom
  : number                                                         # numberAtom
  | name '(' NL* args? NL* ')'                                     # callAtom
  | name                                                           # nameAtom
  | '(' NL* expr NL* ')'                                           # parenAtom
  | NORM NL* expr NL* NORM normKind=('_1' | '_2' | '_F')?          # normAtom
  ;
number : INT | FLOAT ;
// Contextual keywords are names everywhere but in their own places.
name   : ID | PER | SAMPLE | FROM ;

UNROLL : 'unroll' ;
PER    : 'per' ;
SAMPLE : 'sample' ;
FROM   : 'from' ;
NORM   : '||' ;
INT    : [0-9]+ ;
FLOAT  : [0-9]+ ('.' [0-9]+)? ([eE] [+-]? [0-9]+)? ;
ID     : [a-zA-Z] [a-zA-Z0-9_]* '~'? ;
NL     : '\r'? '\n' ;
COMMENT: '#' ~[\r\n]* -> skip ;
WS     : [ \t]+ -> skip ;
ANY    : . ;
