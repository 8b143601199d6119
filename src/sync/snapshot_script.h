// The Lua script that appends an entry to the stream and folds its changes
// into the snapshot hash in one step (EVAL runs it atomically), so the
// snapshot never lags or leads the stream.
#ifndef DOTLOG_SYNC_SNAPSHOT_SCRIPT_H_
#define DOTLOG_SYNC_SNAPSHOT_SCRIPT_H_

namespace dotlog::sync_internal {

// KEYS[1] the stream, KEYS[2] its snapshot hash. ARGV[1] MAXLEN (0: no
// cap), ARGV[2] the number N of the entry's field-value pairs, then those
// 2N arguments, then four per change: item, clock (decimal), machine and
// the snapshot item's JSON. A change replaces the item's value only if it
// wins by the conflict rule (WinsOver: the greater clock, then the greater
// machine name in byte order); a stored value that is not a snapshot item
// is replaced. Returns the new entry's id.
inline constexpr char kAppendWithSnapshotScript[] = R"lua(
local function bytes_less(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
local function wins(h1, m1, h2, m2)
  if #h1 ~= #h2 then return #h1 > #h2 end
  if h1 ~= h2 then return bytes_less(h2, h1) end
  return bytes_less(m2, m1)
end
local xadd = {'XADD', KEYS[1]}
if ARGV[1] ~= '0' then
  table.insert(xadd, 'MAXLEN')
  table.insert(xadd, '~')
  table.insert(xadd, ARGV[1])
end
table.insert(xadd, '*')
local pairs_count = tonumber(ARGV[2])
for i = 3, 2 + 2 * pairs_count do table.insert(xadd, ARGV[i]) end
local id = redis.call(unpack(xadd))
local i = 3 + 2 * pairs_count
while i + 3 <= #ARGV do
  local item, h, m, value = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local old = redis.call('HGET', KEYS[2], item)
  local replace = true
  if old then
    local ok, stored = pcall(cjson.decode, old)
    if ok and type(stored) == 'table' and type(stored.h) == 'string' and
       type(stored.m) == 'string' then
      replace = wins(h, m, stored.h, stored.m)
    end
  end
  if replace then redis.call('HSET', KEYS[2], item, value) end
  i = i + 4
end
return id
)lua";

}  // namespace dotlog::sync_internal

#endif  // DOTLOG_SYNC_SNAPSHOT_SCRIPT_H_
