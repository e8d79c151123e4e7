import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    user: {
      id: string;
      name: string;
      email: string;
      role: "CUSTOMER" | "ADMIN" | "BILLING";
      accountId: string | null;
      twoFactorEnabled: boolean;
    };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: string;
    sv?: number;
    accountId?: string | null;
    /** Two-factor sign-in is on (refreshed from the database on every read). */
    tfa?: boolean;
  }
}
