using Mono.Cecil;
using Mono.Cecil.Cil;

namespace CycleGan.Tests.Guards;

/// <summary>One place in our IL where a TorchSharp Scalar may be created without anything keeping it alive.</summary>
public sealed record ScalarSite(string Type, string Method, string Kind, string Target)
{
    public override string ToString() => $"{Type}::{Method}: {Kind} {Target}";
}

/// <summary>
/// Finds, from compiled IL, every call that makes a TorchSharp <c>Scalar</c> whose only release is its finalizer
/// (TORCHSHARP-NOTES "Implicit Scalars are freed mid-call"): calls of <c>Scalar::op_Implicit</c>, of TorchSharp members
/// whose own IL reaches it (computed from TorchSharp.dll, transitively), and constructions of TorchSharp types with an
/// override that reaches it (a <c>LeakyReLU</c> module, an <c>Adam</c> optimizer), since a virtual call
/// (<c>forward</c>, <c>step</c>) dispatches into that override.
/// </summary>
public sealed class ScalarLifetimeGuard
{
    const string ScalarType = "TorchSharp.Scalar";

    readonly HashSet<string> reaching = [];       // TorchSharp methods whose IL reaches op_Implicit
    readonly HashSet<string> unsafeTypes = [];    // TorchSharp types with a converting override (or a base with one)
    readonly HashSet<string> factories = [];      // TorchSharp methods that construct an unsafe type

    public int ReachingCount => reaching.Count;
    public IReadOnlyCollection<string> UnsafeTypes => unsafeTypes;

    public ScalarLifetimeGuard(string torchSharpPath)
    {
        var module = ModuleDefinition.ReadModule(torchSharpPath);
        var methods = AllTypes(module).SelectMany(t => t.Methods).Where(m => m.HasBody).ToList();
        var callers = new Dictionary<string, List<MethodDefinition>>();
        var constructors = new Dictionary<string, List<MethodDefinition>>();   // type → methods that newobj it
        foreach (var m in methods)
            foreach (var ins in m.Body.Instructions)
            {
                if (ins.Operand is not MethodReference target) continue;
                var key = Key(target);
                Add(callers, key, m);
                if (ins.OpCode == OpCodes.Newobj) Add(constructors, target.DeclaringType.FullName, m);
            }

        var queue = new Queue<string>();
        foreach (var source in callers.Keys.Where(IsImplicitScalar)) queue.Enqueue(source);
        // TorchSharp's own unheld Scalars: e.g. Tensor.ToDouble() is ToScalar().ToDouble(), the Scalar unrooted during the call.
        foreach (var m in methods.Where(m => m.ReturnType.FullName != ScalarType))
            if (m.Body.Instructions.Any(i => i.Operand is MethodReference t && MakesScalar(t, i) && !IsHeld(m.Body, i)) && reaching.Add(Key(m)))
                queue.Enqueue(Key(m));
        while (queue.Count > 0)
            foreach (var caller in callers.GetValueOrDefault(queue.Dequeue()) ?? [])
                if (reaching.Add(Key(caller))) queue.Enqueue(Key(caller));

        foreach (var type in AllTypes(module))
            if (type.Methods.Any(m => m.IsVirtual && !m.IsAbstract && reaching.Contains(Key(m))))
                unsafeTypes.Add(type.FullName);
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var type in AllTypes(module))
                if (!unsafeTypes.Contains(type.FullName) && type.BaseType is { } b && unsafeTypes.Contains(Strip(b.FullName)))
                    grew = unsafeTypes.Add(type.FullName) | grew;
        }

        foreach (var type in unsafeTypes)
            foreach (var m in constructors.GetValueOrDefault(type) ?? [])
                if (!(m.IsConstructor && unsafeTypes.Contains(m.DeclaringType.FullName)) && factories.Add(Key(m))) queue.Enqueue(Key(m));
        while (queue.Count > 0)
            foreach (var caller in callers.GetValueOrDefault(queue.Dequeue()) ?? [])
                if (!caller.IsConstructor && factories.Add(Key(caller))) queue.Enqueue(Key(caller));
    }

    /// <summary>Every site in the assembly at <paramref name="path"/>.</summary>
    public List<ScalarSite> Scan(string path, string? onlyType = null)
    {
        var module = ModuleDefinition.ReadModule(path);
        var sites = new List<ScalarSite>();
        foreach (var type in AllTypes(module).Where(t => onlyType is null || Outer(t) == onlyType))
        {
            if (type.BaseType is { } b && IsTorchSharp(b) && unsafeTypes.Contains(Strip(b.FullName)))
                sites.Add(new ScalarSite(Outer(type), "(base type)", "derives from a type whose override converts:", b.FullName));
            foreach (var m in type.Methods.Where(m => m.HasBody))
                foreach (var ins in m.Body.Instructions)
                {
                    if (ins.Operand is not MethodReference target || !IsTorchSharp(target.DeclaringType)) continue;
                    var key = Key(target);
                    if (MakesScalar(target, ins) && !IsImplicitScalar(key) && !IsHeld(m.Body, ins))
                    {
                        sites.Add(new ScalarSite(Outer(type), m.Name, "a Scalar not held by a field or a using:", Describe(target)));
                        continue;
                    }
                    string? kind =
                        IsImplicitScalar(key) ? "implicit Scalar" :
                        reaching.Contains(key) ? "calls a member that converts inside:" :
                        ins.OpCode == OpCodes.Newobj && unsafeTypes.Contains(Strip(target.DeclaringType.FullName))
                            ? "constructs a type whose override converts:" :
                        factories.Contains(key) ? "calls a factory of a type whose override converts:" : null;
                    if (kind != null) sites.Add(new ScalarSite(Outer(type), m.Name, kind, Describe(target)));
                }
        }
        return sites;
    }

    /// <summary>A call that hands out a new Scalar (ToScalar, Tensor.ToScalar, the conversions): its caller must hold it.</summary>
    static bool MakesScalar(MethodReference m, Instruction call) =>
        (m.ReturnType.FullName == ScalarType && m.Name != "get_Item") ||
        (call.OpCode == OpCodes.Newobj && m.DeclaringType.FullName == ScalarType);

    /// <summary>
    /// A made Scalar is held when it goes straight into a field (a static root or its owner object) or into a local
    /// that is disposed or passed to <c>GC.KeepAlive</c> later in the method (what <c>using var s = x.ToScalar()</c>
    /// compiles to): a local used only by the call may be collected during it.
    /// </summary>
    static bool IsHeld(MethodBody body, Instruction made)
    {
        var next = made.Next;
        if (next is null) return false;
        if (next.OpCode == OpCodes.Stsfld || next.OpCode == OpCodes.Stfld) return true;
        if (StoredLocal(next) is not int local) return false;
        for (var i = next.Next; i?.Next != null; i = i.Next)
            if (LoadedLocal(i) == local && i.Next.Operand is MethodReference use &&
                (use.Name == "Dispose" || (use.Name == "KeepAlive" && use.DeclaringType.FullName == "System.GC")))
                return true;
        return false;
    }

    static int? StoredLocal(Instruction i) => i.OpCode.Code switch
    {
        Code.Stloc_0 => 0, Code.Stloc_1 => 1, Code.Stloc_2 => 2, Code.Stloc_3 => 3,
        Code.Stloc or Code.Stloc_S => ((VariableDefinition)i.Operand).Index,
        _ => null,
    };

    static int? LoadedLocal(Instruction i) => i.OpCode.Code switch
    {
        Code.Ldloc_0 => 0, Code.Ldloc_1 => 1, Code.Ldloc_2 => 2, Code.Ldloc_3 => 3,
        Code.Ldloc or Code.Ldloc_S => ((VariableDefinition)i.Operand).Index,
        _ => null,
    };

    static bool IsImplicitScalar(string key) => key.Contains(ScalarType + "::op_Implicit(", StringComparison.Ordinal);

    static bool IsTorchSharp(TypeReference t) => t.Scope.Name.StartsWith("TorchSharp", StringComparison.Ordinal);

    static string Key(MethodReference m)
    {
        try { return (m.Resolve() ?? m).FullName; } catch (AssemblyResolutionException) { return m.FullName; }
    }

    static string Strip(string fullName) => fullName.Split('<')[0] is var s && fullName.Contains('<') ? TrimArity(fullName) : s;

    static string TrimArity(string generic)
    {
        // "TorchSharp.Modules.Foo`1<System.Single>" → "TorchSharp.Modules.Foo`1"
        var i = generic.IndexOf('<');
        return i < 0 ? generic : generic[..i];
    }

    static string Describe(MethodReference m) => $"{m.DeclaringType.Name}.{m.Name}({string.Join(", ", m.Parameters.Select(p => p.ParameterType.Name))})";

    static string Outer(TypeDefinition t)
    {
        while (t.DeclaringType != null && t.Name.StartsWith('<')) t = t.DeclaringType;
        return t.FullName;
    }

    static IEnumerable<TypeDefinition> AllTypes(ModuleDefinition module)
    {
        foreach (var t in module.Types)
            foreach (var n in Nested(t)) yield return n;
    }

    static IEnumerable<TypeDefinition> Nested(TypeDefinition t)
    {
        yield return t;
        foreach (var n in t.NestedTypes)
            foreach (var d in Nested(n)) yield return d;
    }

    static void Add<T>(Dictionary<string, List<T>> map, string key, T value)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(value);
    }
}
