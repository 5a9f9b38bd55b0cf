// autocannon ships no types; bench/lib/load.ts states the part of its API the benches use.
declare module 'autocannon';
