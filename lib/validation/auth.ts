import { z } from "zod";

const email = z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address"));
// A new password: what sign-up, a password change and a reset all ask for.
const newPassword = z.string().min(8, "Use at least 8 characters").max(200, "At most 200 characters");
// A link's token: 43 base64url characters (32 random bytes); anything else names no pending request.
const token = z.string().regex(/^[\w-]{43}$/, "This link is not valid");

export const signInSchema = z.object({
  email,
  password: z.string().min(1, "Enter your password"),
});

export const signUpSchema = z.object({
  name: z.string().trim().min(1, "Enter your name").max(80, "At most 80 characters"),
  accountName: z.string().trim().min(1, "Enter a name for your account").max(80, "At most 80 characters"),
  email,
  password: newPassword,
});

/** Opening the link of a sign-up: the password chosen at sign-up proves it is the same person. */
export const confirmSignUpSchema = z.object({
  token,
  password: z.string().min(1, "Enter the password you chose when you signed up"),
});

export const forgotPasswordSchema = z.object({ email });

export const resetPasswordSchema = z
  .object({ token, password: newPassword, confirmPassword: z.string() })
  .refine((v) => v.password === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two passwords differ",
  });

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password"),
    newPassword,
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two passwords differ",
  })
  .refine((v) => v.newPassword !== v.currentPassword, {
    path: ["newPassword"],
    message: "Choose a password other than your current one",
  });

export type SignInInput = z.input<typeof signInSchema>;
export type SignUpInput = z.input<typeof signUpSchema>;
export type ConfirmSignUpInput = z.input<typeof confirmSignUpSchema>;
export type ForgotPasswordInput = z.input<typeof forgotPasswordSchema>;
export type ResetPasswordInput = z.input<typeof resetPasswordSchema>;
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;
