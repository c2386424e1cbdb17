import Link from "next/link";

/** A link from an email that no longer works (used, replaced, expired or mangled), and what to do. */
export function ExpiredLink({ again, href }: { again: string; href: string }) {
  return (
    <>
      <h1 className="mb-2 text-xl font-semibold">This link no longer works</h1>
      <p className="mb-5 text-sm text-slate-600">
        It has expired, was already used, or a newer email replaced it. Links work once, for a limited time.
      </p>
      <Link href={href} className="text-brand-700 font-medium hover:underline">
        {again}
      </Link>
    </>
  );
}
